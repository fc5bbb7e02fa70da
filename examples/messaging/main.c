/* The messaging demo: a worker subscribes to the topic "orders", the same
 * app publishes three orders to it, the worker receives them in order and
 * keeps a running total in a key-value store. Built against the C bindings
 * of wit/messaging.wit and wit/keyvalue.wit (`slight bindgen c ...`). */
#include <keyvalue.h>
#include <messaging.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int messaging_failed(const char *what, messaging_messaging_error_t *e)
{
    /* every case carries a string; unexpected-error is the last one */
    messaging_string_t *s = &e->val.unexpected_error;
    printf("%s: messaging error case %u: %.*s\n", what, e->tag, (int)s->len, s->ptr);
    messaging_messaging_error_free(e);
    return 1;
}

static int keyvalue_failed(const char *what, keyvalue_keyvalue_error_t *e)
{
    keyvalue_string_t *s = &e->val.unexpected_error;
    printf("%s: keyvalue error case %u: %.*s\n", what, e->tag, (int)s->len, s->ptr);
    keyvalue_keyvalue_error_free(e);
    return 1;
}

/* Adds n to the number stored under key (0 when missing); returns the sum or -1. */
static long add_to(keyvalue_keyvalue_t kv, const char *key_text, long n)
{
    keyvalue_string_t key;
    keyvalue_string_set(&key, key_text);
    long total = 0;
    keyvalue_expected_list_u8_keyvalue_error_t got;
    keyvalue_keyvalue_get(kv, &key, &got);
    if (!got.is_err) {
        char text[32] = "";
        size_t len = got.val.ok.len < sizeof(text) - 1 ? got.val.ok.len : sizeof(text) - 1;
        memcpy(text, got.val.ok.ptr, len);
        total = strtol(text, NULL, 10);
        keyvalue_list_u8_free(&got.val.ok);
    } else if (got.val.err.tag == KEYVALUE_KEYVALUE_ERROR_KEY_NOT_FOUND) {
        keyvalue_keyvalue_error_free(&got.val.err);
    } else {
        return keyvalue_failed("get", &got.val.err), -1;
    }
    total += n;
    char text[32];
    int len = snprintf(text, sizeof(text), "%ld", total);
    keyvalue_list_u8_t value = {(uint8_t *)text, (size_t)len};
    keyvalue_expected_unit_keyvalue_error_t set;
    keyvalue_keyvalue_set(kv, &key, &value, &set);
    if (set.is_err)
        return keyvalue_failed("set", &set.val.err), -1;
    return total;
}

int main(void)
{
    messaging_string_t bus, topic;
    messaging_string_set(&bus, "orders-bus");
    messaging_string_set(&topic, "orders");

    /* the worker's side: subscribe first (a subscription sees what is published after it) */
    messaging_expected_sub_messaging_error_t sub;
    messaging_sub_open(&bus, &sub);
    if (sub.is_err)
        return messaging_failed("sub open", &sub.val.err);
    messaging_expected_subscription_token_messaging_error_t tok;
    messaging_sub_subscribe(sub.val.ok, &topic, &tok);
    if (tok.is_err)
        return messaging_failed("subscribe", &tok.val.err);

    /* the shop's side: publish three orders */
    messaging_expected_pub_messaging_error_t pub;
    messaging_pub_open(&bus, &pub);
    if (pub.is_err)
        return messaging_failed("pub open", &pub.val.err);
    static const char *orders[] = {"2 x coffee", "1 x tea", "3 x cake"};
    for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
        messaging_list_u8_t body = {(uint8_t *)orders[i], strlen(orders[i])};
        messaging_expected_unit_messaging_error_t done;
        messaging_pub_publish(pub.val.ok, &body, &topic, &done);
        if (done.is_err)
            return messaging_failed("publish", &done.val.err);
        printf("published: %s\n", orders[i]);
    }

    /* the worker: receive them in order, count the items in the store */
    keyvalue_string_t store_name;
    keyvalue_string_set(&store_name, "tally");
    keyvalue_expected_keyvalue_keyvalue_error_t store;
    keyvalue_keyvalue_open(&store_name, &store);
    if (store.is_err)
        return keyvalue_failed("keyvalue open", &store.val.err);
    for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
        messaging_expected_list_u8_messaging_error_t msg;
        messaging_sub_receive(sub.val.ok, &tok.val.ok, &msg);
        if (msg.is_err)
            return messaging_failed("receive", &msg.val.err);
        char head[16] = ""; /* "N x ...": the count leads; the body has no NUL */
        memcpy(head, msg.val.ok.ptr, msg.val.ok.len < sizeof(head) - 1 ? msg.val.ok.len : sizeof(head) - 1);
        long items = strtol(head, NULL, 10);
        printf("received:  %.*s\n", (int)msg.val.ok.len, (const char *)msg.val.ok.ptr);
        messaging_list_u8_free(&msg.val.ok);
        if (add_to(store.val.ok, "items", items) < 0)
            return 1;
    }
    long total = add_to(store.val.ok, "items", 0);
    if (total < 0)
        return 1;
    printf("items ordered so far (kept in the store across runs): %ld\n", total);

    keyvalue_keyvalue_free(&store.val.ok);
    messaging_subscription_token_free(&tok.val.ok);
    messaging_pub_free(&pub.val.ok);
    messaging_sub_free(&sub.val.ok);
    return 0;
}
