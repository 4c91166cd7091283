#ifndef CLDAP_SHIM_H
#define CLDAP_SHIM_H
/*
 * OpenLDAP's libldap (Debian's libldap-dev). ldap_set_option takes untyped pointers and several constants are
 * pointer macros Swift cannot import: these functions pass each kind of value through with its C type. Only
 * Sources/TrainingServer/Auth/LDAPConnection.swift uses this module.
 */
#include <stddef.h>
#include <sys/time.h>
#include <ldap.h>

static inline int cldap_set_int(LDAP *ld, int option, int value) {
    return ldap_set_option(ld, option, &value);
}

static inline int cldap_set_string(LDAP *ld, int option, const char *value) {
    return ldap_set_option(ld, option, value);
}

static inline struct timeval cldap_timeval(double seconds) {
    struct timeval value;
    value.tv_sec = (time_t)seconds;
    value.tv_usec = (suseconds_t)((seconds - (double)value.tv_sec) * 1000000.0);
    return value;
}

/* LDAP_OPT_NETWORK_TIMEOUT (connecting) or LDAP_OPT_TIMEOUT (waiting for each synchronous operation's answer). */
static inline int cldap_set_timeout(LDAP *ld, int option, double seconds) {
    struct timeval value = cldap_timeval(seconds);
    return ldap_set_option(ld, option, &value);
}

/* Referrals are not chased: chasing would bind anonymously to whatever server a referral names. */
static inline int cldap_referrals_off(LDAP *ld) {
    return ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
}

/* A simple bind (RFC 4513 5.1.3) with `length` bytes of password. */
static inline int cldap_simple_bind(LDAP *ld, const char *dn, const char *password, size_t length) {
    struct berval credentials;
    credentials.bv_len = (ber_len_t)length;
    credentials.bv_val = (char *)password;
    return ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &credentials, NULL, NULL, NULL);
}

/* A subtree search below `base`; `attributes` is a NULL-terminated list. */
static inline int cldap_search(LDAP *ld, const char *base, const char *filter, char **attributes, double seconds,
                               int size_limit, LDAPMessage **result) {
    struct timeval limit = cldap_timeval(seconds);
    return ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, filter, attributes, 0, NULL, NULL, &limit, size_limit,
                             result);
}

/* The server's diagnostic message for the last operation (free with ldap_memfree), or NULL. */
static inline char *cldap_diagnostic(LDAP *ld) {
    char *message = NULL;
    if (ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &message) != LDAP_OPT_SUCCESS) return NULL;
    return message;
}

#endif
