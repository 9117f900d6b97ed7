/*
 * libcurl, loaded when first needed instead of at every start.
 *
 * Linked in, libcurl and the 25 libraries it pulls (TLS, Kerberos, LDAP,
 * SSH, ...) cost every command ~12 ms of loading and relocation before
 * main, though only alert delivery, a receiver's URL and the HTTP server's
 * decoding use it.  So it is opened with dlopen by att__curl_load, and
 * the curl_* names used in bindings/ are macros for the pointers it
 * fills.  Include this header instead of <curl/curl.h>; every path to a
 * curl_* call passes through att__curl_load first (alerts opened with
 * receivers, a receiver's URL checked, the daemon's HTTP server started).
 */
#ifndef ATT_CURL_DL_H
#define ATT_CURL_DL_H

/* the type-checking macros of curl.h would hide the names defined below */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

/* The library opened when ATTACHE_LIBCURL does not name another. */
#define ATT_LIBCURL_SONAME "libcurl.so.4"

typedef struct att__curl_api {
  void (*easy_cleanup)(CURL *);
  CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
  CURL *(*easy_init)(void);
  CURLcode (*easy_perform)(CURL *);
  CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
  const char *(*easy_strerror)(CURLcode);
  char *(*easy_unescape)(CURL *, const char *, int, int *);
  void (*free)(void *);
  void (*global_cleanup)(void);
  CURLcode (*global_init)(long);
  CURLMcode (*multi_add_handle)(CURLM *, CURL *);
  CURLMcode (*multi_assign)(CURLM *, curl_socket_t, void *);
  CURLMcode (*multi_cleanup)(CURLM *);
  CURLMsg *(*multi_info_read)(CURLM *, int *);
  CURLM *(*multi_init)(void);
  CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
  CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
  CURLMcode (*multi_socket_action)(CURLM *, curl_socket_t, int, int *);
  struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
  void (*slist_free_all)(struct curl_slist *);
  CURLU *(*url)(void);
  void (*url_cleanup)(CURLU *);
  CURLUcode (*url_get)(CURLU *, CURLUPart, char **, unsigned int);
  CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
} att__curl_api;

extern att__curl_api att__curl;

/* Open libcurl (once per process, thread-safe): 0, or ATT_EIO with a
 * message naming the library and the package that provides it. */
int att__curl_load(void);

/* (the three with options keep curl.h's check of three arguments) */
#define curl_easy_cleanup att__curl.easy_cleanup
#undef curl_easy_getinfo
#define curl_easy_getinfo(h, i, a) att__curl.easy_getinfo(h, i, a)
#define curl_easy_init att__curl.easy_init
#define curl_easy_perform att__curl.easy_perform
#undef curl_easy_setopt
#define curl_easy_setopt(h, o, a) att__curl.easy_setopt(h, o, a)
#define curl_easy_strerror att__curl.easy_strerror
#define curl_easy_unescape att__curl.easy_unescape
#define curl_free att__curl.free
#define curl_global_cleanup att__curl.global_cleanup
#define curl_global_init att__curl.global_init
#define curl_multi_add_handle att__curl.multi_add_handle
#define curl_multi_assign att__curl.multi_assign
#define curl_multi_cleanup att__curl.multi_cleanup
#define curl_multi_info_read att__curl.multi_info_read
#define curl_multi_init att__curl.multi_init
#define curl_multi_remove_handle att__curl.multi_remove_handle
#undef curl_multi_setopt
#define curl_multi_setopt(h, o, a) att__curl.multi_setopt(h, o, a)
#define curl_multi_socket_action att__curl.multi_socket_action
#define curl_slist_append att__curl.slist_append
#define curl_slist_free_all att__curl.slist_free_all
#define curl_url att__curl.url
#define curl_url_cleanup att__curl.url_cleanup
#define curl_url_get att__curl.url_get
#define curl_url_set att__curl.url_set

#endif
