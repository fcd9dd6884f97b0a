// One binding of htm to preact's h, so every module writes markup the same way.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
