/* A guest calling every keyvalue and messaging import, for the import table check. */
#include <keyvalue.h>
#include <messaging.h>

int main(void)
{
    keyvalue_string_t name, key;
    keyvalue_list_u8_t value = {(uint8_t *)"v", 1};
    keyvalue_expected_keyvalue_keyvalue_error_t kv;
    keyvalue_expected_list_u8_keyvalue_error_t got;
    keyvalue_expected_unit_keyvalue_error_t done;
    keyvalue_expected_list_string_keyvalue_error_t keys;
    keyvalue_string_set(&name, "store");
    keyvalue_string_set(&key, "k");
    keyvalue_keyvalue_open(&name, &kv);
    if (kv.is_err)
        return 1;
    keyvalue_keyvalue_set(kv.val.ok, &key, &value, &done);
    keyvalue_keyvalue_get(kv.val.ok, &key, &got);
    keyvalue_keyvalue_keys(kv.val.ok, &keys);
    keyvalue_keyvalue_delete(kv.val.ok, &key, &done);
    keyvalue_expected_list_string_keyvalue_error_free(&keys);
    keyvalue_expected_list_u8_keyvalue_error_free(&got);
    keyvalue_keyvalue_free(&kv.val.ok);

    messaging_string_t topic;
    messaging_list_u8_t msg = {(uint8_t *)"m", 1};
    messaging_expected_pub_messaging_error_t pub;
    messaging_expected_sub_messaging_error_t sub;
    messaging_expected_unit_messaging_error_t sent;
    messaging_expected_subscription_token_messaging_error_t tok;
    messaging_expected_list_u8_messaging_error_t recv;
    messaging_string_set(&topic, "t");
    messaging_pub_open(&topic, &pub);
    messaging_sub_open(&topic, &sub);
    if (pub.is_err || sub.is_err)
        return 1;
    messaging_pub_publish(pub.val.ok, &msg, &topic, &sent);
    messaging_sub_subscribe(sub.val.ok, &topic, &tok);
    if (!tok.is_err)
        messaging_sub_receive(sub.val.ok, &tok.val.ok, &recv);
    messaging_pub_free(&pub.val.ok);
    messaging_sub_free(&sub.val.ok);
    return 0;
}
