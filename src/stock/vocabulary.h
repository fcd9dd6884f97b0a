/* The stock room's closed vocabularies: the very arrays its commands check
 * input against (NULL-terminated), shared with wam_stock_vocabulary()
 * (stock/vocabulary.c) so what a front end offers is what is accepted. */
#ifndef WAM_STOCK_VOCABULARY_H
#define WAM_STOCK_VOCABULARY_H

/* a lot's hazard division, compatibility group and condition (lot.c) */
extern const char *const *const wam_stock_hazard_divisions;
extern const char *const *const wam_stock_compat_groups;
extern const char *const *const wam_stock_lot_conditions;
/* a custody record's states (custody.c) */
extern const char *const *const wam_stock_custody_states;
/* a check's types, read methods and resolution outcomes (check.c) */
extern const char *const *const wam_stock_check_types;
extern const char *const *const wam_stock_check_read_methods;
extern const char *const *const wam_stock_check_outcomes;
/* a destruction's methods and the roles of its people (destruction.c) */
extern const char *const *const wam_stock_destruction_methods;
extern const char *const *const wam_stock_destruction_roles;

#endif
