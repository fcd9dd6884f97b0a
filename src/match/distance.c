/* Edit distance between a query and a serial, with the operations that
 * separate them.
 *
 * Restricted Damerau-Levenshtein (optimal string alignment: an adjacent
 * transposition is one edit) by dynamic programming over keys of at most 63
 * characters. In the query, '?' matches any one character and '*' any run.
 * "Partial" alignment lets the query match a fragment of the serial (the
 * serial's head and tail cost nothing). Unit mode counts every edit as 1 and
 * decides whether a serial is a candidate at all; weighted mode charges OCR
 * confusions their table cost and orders the candidates. */
#include <float.h>
#include <string.h>

#include "internal.h"
#include "match/match.h"
#include "match/tables.h"

static double sub_cost(const wam_match_tables *t, unsigned char q, unsigned char c, bool weighted)
{
	if (q == c || q == '?')
		return 0;
	if (!weighted || q >= 128 || c >= 128)
		return 1;
	return t->cost[q][c];
}

double wam_match_distance(const char *q, const char *s, unsigned mode, wam_match_edit *ops, size_t *nops)
{
	const wam_match_tables *t = wam_match_tables_get();
	size_t m = strlen(q), n = strlen(s);
	bool weighted = mode & WAM_DIST_WEIGHTED, partial = mode & WAM_DIST_PARTIAL;
	double D[WAM_KEY_MAX][WAM_KEY_MAX];
	if (nops)
		*nops = 0;
	if (!t || m >= WAM_KEY_MAX || n >= WAM_KEY_MAX)
		return DBL_MAX;
	D[0][0] = 0;
	for (size_t i = 1; i <= m; i++)
		D[i][0] = D[i - 1][0] + (q[i - 1] == '*' ? 0 : 1);
	for (size_t j = 1; j <= n; j++)
		D[0][j] = partial ? 0 : (double)j;
	for (size_t i = 1; i <= m; i++) {
		unsigned char qc = (unsigned char)q[i - 1];
		for (size_t j = 1; j <= n; j++) {
			double best;
			if (qc == '*') {
				best = D[i - 1][j];
				if (D[i][j - 1] < best)
					best = D[i][j - 1];
			} else {
				best = D[i - 1][j - 1] + sub_cost(t, qc, (unsigned char)s[j - 1], weighted);
				if (D[i - 1][j] + 1 < best)
					best = D[i - 1][j] + 1;
				if (D[i][j - 1] + 1 < best)
					best = D[i][j - 1] + 1;
				if (i > 1 && j > 1 && qc == (unsigned char)s[j - 2] && q[i - 2] == s[j - 1] && qc != (unsigned char)q[i - 2] &&
				    D[i - 2][j - 2] + 1 < best)
					best = D[i - 2][j - 2] + 1;
			}
			D[i][j] = best;
		}
	}
	size_t end = n;
	if (partial)
		for (size_t j = 0; j <= n; j++)
			if (D[m][j] < D[m][end])
				end = j;
	double d = D[m][end];
	if (!ops || !nops)
		return d;
	/* walk back along one optimal path, recording what is not a plain match */
	wam_match_edit rev[2 * WAM_KEY_MAX];
	size_t k = 0, i = m, j = end;
	while ((i > 0 || j > 0) && k < 2 * WAM_KEY_MAX) {
		unsigned char qc = i ? (unsigned char)q[i - 1] : 0;
		if (i == 0) {
			if (!partial)
				rev[k++] = (wam_match_edit){WAM_EDIT_INSERT, -1, (int)j - 1, 0, s[j - 1]};
			j--;
			continue;
		}
		if (qc == '*') {
			if (j > 0 && D[i][j] == D[i][j - 1]) {
				rev[k++] = (wam_match_edit){WAM_EDIT_WILDCARD, (int)i - 1, (int)j - 1, '*', s[j - 1]};
				j--;
			} else {
				i--;
			}
			continue;
		}
		if (j > 0) {
			double sc = sub_cost(t, qc, (unsigned char)s[j - 1], weighted);
			if (D[i][j] == D[i - 1][j - 1] + sc) {
				if (qc == '?')
					rev[k++] = (wam_match_edit){WAM_EDIT_WILDCARD, (int)i - 1, (int)j - 1, '?', s[j - 1]};
				else if (sc > 0)
					rev[k++] = (wam_match_edit){sc < 1 ? WAM_EDIT_CONFUSABLE : WAM_EDIT_SUBSTITUTE, (int)i - 1,
					                            (int)j - 1, (char)qc, s[j - 1]};
				i--;
				j--;
				continue;
			}
			if (i > 1 && j > 1 && qc == (unsigned char)s[j - 2] && q[i - 2] == s[j - 1] && D[i][j] == D[i - 2][j - 2] + 1) {
				rev[k++] = (wam_match_edit){WAM_EDIT_TRANSPOSE, (int)i - 2, (int)j - 2, q[i - 2], s[j - 2]};
				i -= 2;
				j -= 2;
				continue;
			}
			if (D[i][j] == D[i][j - 1] + 1) {
				rev[k++] = (wam_match_edit){WAM_EDIT_INSERT, (int)i, (int)j - 1, 0, s[j - 1]};
				j--;
				continue;
			}
		}
		rev[k++] = (wam_match_edit){WAM_EDIT_DELETE, (int)i - 1, (int)j, (char)qc, 0};
		i--;
	}
	for (size_t x = 0; x < k; x++)
		ops[x] = rev[k - 1 - x];
	*nops = k;
	return d;
}

/* ---- bit-parallel unit distance (Myers 1999, Hyyrö 2002) ----
 *
 * One machine word holds a column of the DP matrix for a query of up to 63
 * characters, so verifying a candidate costs a few dozen instructions per
 * serial character instead of a DP row. Transpositions follow Hyyrö's
 * extension; '?' matches every character. Must give exactly
 * wam_match_distance(q, s, 0 or WAM_DIST_PARTIAL): the unit test checks
 * that on random keys. */

void wam_bp_prepare(wam_bitpattern *p, const char *q)
{
	size_t m = strlen(q);
	memset(p, 0, sizeof *p);
	p->usable = m > 0 && m < 64 && !strchr(q, '*');
	if (!p->usable)
		return;
	p->m = (int)m;
	uint64_t wild = 0;
	for (size_t i = 0; i < m; i++) {
		if (q[i] == '?')
			wild |= 1ULL << i;
		else
			p->peq[(unsigned char)q[i] & 0x7f] |= 1ULL << i;
	}
	for (int c = 0; c < 128; c++)
		p->peq[c] |= wild;
}

int wam_bp_distance(const wam_bitpattern *p, const char *s, unsigned ends)
{
	bool free_start = ends & WAM_BP_FREE_START, free_end = ends & WAM_BP_FREE_END;
	const uint64_t mask = p->m == 64 ? ~0ULL : (1ULL << p->m) - 1, last = 1ULL << (p->m - 1);
	uint64_t vp = mask, vn = 0, d0 = 0, prev_eq = 0;
	int score = p->m, best = p->m;
	for (const unsigned char *t = (const unsigned char *)s; *t; t++) {
		uint64_t eq = p->peq[*t & 0x7f];
		uint64_t tr = (((~d0) & eq) << 1) & prev_eq;
		d0 = ((((eq & vp) + vp) ^ vp) | eq | vn | tr) & mask;
		uint64_t hp = vn | ~(d0 | vp), hn = vp & d0;
		if (hp & last)
			score++;
		else if (hn & last)
			score--;
		uint64_t x = (hp << 1) | (free_start ? 0 : 1);
		vn = x & d0 & mask;
		vp = ((hn << 1) | ~(x | d0)) & mask;
		prev_eq = eq;
		if (score < best)
			best = score;
	}
	return free_end ? best : score;
}
