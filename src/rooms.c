/* The rooms of this build, in the order `wam verify` compares their tables
 * (ledger/room.h). A new room adds its descriptor here — the one place the
 * core learns of it; the ledger and the store see only wam_rooms[]. */
#include "internal.h"
#include "ledger/room.h"

extern const struct wam_room wam_room_registry, wam_room_auth, wam_room_stock, wam_room_collection, wam_room_trace,
    wam_room_match;

const struct wam_room *const wam_rooms[] = {
    &wam_room_registry, &wam_room_auth, &wam_room_stock, &wam_room_collection, &wam_room_trace,
    &wam_room_match,    NULL, /* a room adds its line above this one */
};
_Static_assert(sizeof wam_rooms / sizeof wam_rooms[0] <= WAM_ROOMS_MAX + 1, "raise WAM_ROOMS_MAX");
