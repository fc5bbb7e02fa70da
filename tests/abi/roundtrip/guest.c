/* The round-trip guest: built from the C bindings witgen generates for
 * roundtrip.wit. "ok" sends every shape through the echo capability and
 * compares; the other modes make one guest bug each through the raw
 * imports, which must trap with the right message (test_roundtrip.c). */
#include <roundtrip.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("FAIL %d: %s\n", __LINE__, #c); fails++; } } while (0)

static roundtrip_string_t str(const char *s)
{
    roundtrip_string_t r;
    roundtrip_string_set(&r, s);
    return r;
}

static int same(const roundtrip_string_t *a, const char *s)
{
    return a->len == strlen(s) && memcmp(a->ptr, s, a->len) == 0;
}

static void scalars(void)
{
    bool a; uint8_t b; int8_t c; uint16_t d; int16_t e; uint32_t f; int32_t g; uint64_t h;
    int64_t i; float j; double k; uint32_t l;
    roundtrip_echo_scalars(true, 255, -128, 65535, -32768, 4294967295u, -2147483647 - 1,
                           18446744073709551615ull, -9223372036854775807ll - 1, 1.5f, -2.25,
                           0x1F600, &a, &b, &c, &d, &e, &f, &g, &h, &i, &j, &k, &l);
    CHECK(a == true && b == 255 && c == -128 && d == 65535 && e == -32768);
    CHECK(f == 4294967295u && g == -2147483647 - 1 && h == 18446744073709551615ull);
    CHECK(i == -9223372036854775807ll - 1 && j == 1.5f && k == -2.25 && l == 0x1F600);
    roundtrip_echo_scalars(false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, &a, &b, &c, &d, &e, &f, &g, &h,
                           &i, &j, &k, &l);
    CHECK(!a && !b && !c && !d && !e && !f && !g && !h && !i && j == 0 && k == 0 && l == 0);
}

static void strings(void)
{
    roundtrip_string_t s = str("héllo, wörld"), r;
    roundtrip_echo_string(&s, &r);
    CHECK(same(&r, "héllo, wörld"));
    roundtrip_string_free(&r);
    s = str("");
    roundtrip_echo_string(&s, &r);
    CHECK(r.len == 0);
    roundtrip_string_free(&r);
    /* 1 MiB of bytes, NULs included */
    size_t n = 1 << 20;
    roundtrip_list_u8_t bytes = {malloc(n), n}, rb;
    for (size_t i = 0; i < n; i++)
        bytes.ptr[i] = (uint8_t)(i * 7);
    roundtrip_echo_bytes(&bytes, &rb);
    CHECK(rb.len == n && memcmp(rb.ptr, bytes.ptr, n) == 0);
    roundtrip_list_u8_free(&rb);
    free(bytes.ptr);
    roundtrip_list_u8_t none = {NULL, 0};
    roundtrip_echo_bytes(&none, &rb);
    CHECK(rb.len == 0);
    roundtrip_list_u8_free(&rb);
}

static void lists(void)
{
    roundtrip_string_t items[3] = {str("a"), str(""), str("ccc")};
    roundtrip_names_t names = {items, 3}, rn;
    roundtrip_echo_names(&names, &rn);
    CHECK(rn.len == 3 && same(&rn.ptr[0], "a") && same(&rn.ptr[1], "") && same(&rn.ptr[2], "ccc"));
    roundtrip_names_free(&rn);
    names.len = 0;
    roundtrip_echo_names(&names, &rn);
    CHECK(rn.len == 0);
    roundtrip_names_free(&rn);
    roundtrip_point_t pts[2] = {{-1, 2.5, 7}, {2147483647, -0.0, 255}};
    roundtrip_list_point_t lp = {pts, 2}, rp;
    roundtrip_echo_points(&lp, &rp);
    CHECK(rp.len == 2 && rp.ptr[0].x == -1 && rp.ptr[0].y == 2.5 && rp.ptr[0].tag == 7);
    CHECK(rp.ptr[1].x == 2147483647 && rp.ptr[1].tag == 255);
    roundtrip_list_point_free(&rp);
}

static void variants(void)
{
    roundtrip_shape_t s, r;
    s.tag = ROUNDTRIP_SHAPE_CIRCLE;
    s.val.circle = 3.25f;
    roundtrip_echo_shape(&s, &r);
    CHECK(r.tag == ROUNDTRIP_SHAPE_CIRCLE && r.val.circle == 3.25f);
    s.tag = ROUNDTRIP_SHAPE_RECT;
    s.val.rect.f0 = 65535;
    s.val.rect.f1 = 0x123456789abcdef0ull;
    roundtrip_echo_shape(&s, &r);
    CHECK(r.tag == ROUNDTRIP_SHAPE_RECT && r.val.rect.f0 == 65535 && r.val.rect.f1 == 0x123456789abcdef0ull);
    s.tag = ROUNDTRIP_SHAPE_NAMED;
    s.val.named = str("tri");
    roundtrip_echo_shape(&s, &r);
    CHECK(r.tag == ROUNDTRIP_SHAPE_NAMED && same(&r.val.named, "tri"));
    roundtrip_shape_free(&r);
    s.tag = ROUNDTRIP_SHAPE_NOTHING;
    roundtrip_echo_shape(&s, &r);
    CHECK(r.tag == ROUNDTRIP_SHAPE_NOTHING);

    roundtrip_option_expected_option_shape_list_color_t v;
    roundtrip_expected_option_shape_list_color_t out;
    v.is_some = false;
    CHECK(!roundtrip_echo_nested(&v, &out));
    v.is_some = true;
    v.val.is_err = false;
    v.val.val.ok.is_some = true;
    v.val.val.ok.val.tag = ROUNDTRIP_SHAPE_RECT;
    v.val.val.ok.val.val.rect.f0 = 9;
    v.val.val.ok.val.val.rect.f1 = 99;
    CHECK(roundtrip_echo_nested(&v, &out));
    CHECK(!out.is_err && out.val.ok.is_some && out.val.ok.val.tag == ROUNDTRIP_SHAPE_RECT && out.val.ok.val.val.rect.f1 == 99);
    roundtrip_color_t colors[2] = {ROUNDTRIP_COLOR_BLUE, ROUNDTRIP_COLOR_RED};
    v.val.is_err = true;
    v.val.val.err.ptr = colors;
    v.val.val.err.len = 2;
    CHECK(roundtrip_echo_nested(&v, &out));
    CHECK(out.is_err && out.val.err.len == 2 && out.val.err.ptr[0] == ROUNDTRIP_COLOR_BLUE && out.val.err.ptr[1] == ROUNDTRIP_COLOR_RED);
    roundtrip_expected_option_shape_list_color_free(&out);
    CHECK(roundtrip_echo_perms(ROUNDTRIP_PERMS_READ | ROUNDTRIP_PERMS_EXEC) == (ROUNDTRIP_PERMS_READ | ROUNDTRIP_PERMS_EXEC));
}

static void records(void)
{
    roundtrip_point_t pts[1] = {{5, 6.5, 1}};
    roundtrip_string_t labels[2] = {str("x"), str("yy")};
    roundtrip_bag_t b, r;
    memset(&b, 0, sizeof(b));
    b.name = str("bag");
    b.points.ptr = pts;
    b.points.len = 1;
    b.labels.is_some = true;
    b.labels.val.ptr = labels;
    b.labels.val.len = 2;
    b.outcome.is_err = true;
    b.outcome.val.err = str("nope");
    b.shape.tag = ROUNDTRIP_SHAPE_NAMED;
    b.shape.val.named = str("sq");
    b.color = ROUNDTRIP_COLOR_GREEN;
    b.perms = ROUNDTRIP_PERMS_WRITE;
    b.letter = 'z';
    b.flag = true;
    roundtrip_echo_bag(&b, &r);
    CHECK(same(&r.name, "bag") && r.points.len == 1 && r.points.ptr[0].y == 6.5);
    CHECK(r.labels.is_some && r.labels.val.len == 2 && same(&r.labels.val.ptr[1], "yy"));
    CHECK(r.outcome.is_err && same(&r.outcome.val.err, "nope"));
    CHECK(r.shape.tag == ROUNDTRIP_SHAPE_NAMED && same(&r.shape.val.named, "sq"));
    CHECK(r.color == ROUNDTRIP_COLOR_GREEN && r.perms == ROUNDTRIP_PERMS_WRITE && r.letter == 'z' && r.flag);
    roundtrip_bag_free(&r);

    roundtrip_string_t s[9];
    const char *t[9] = {"1", "2", "3", "4", "5", "6", "7", "8", "9"};
    for (int i = 0; i < 9; i++)
        s[i] = str(t[i]);
    roundtrip_expected_names_failure_t m;
    roundtrip_echo_many(&s[0], &s[1], &s[2], &s[3], &s[4], &s[5], &s[6], &s[7], &s[8], &m);
    CHECK(!m.is_err && m.val.ok.len == 9 && same(&m.val.ok.ptr[8], "9"));
    roundtrip_expected_names_failure_free(&m);

    roundtrip_expected_unit_failure_t f;
    roundtrip_fail_with(0, &f);
    CHECK(!f.is_err);
    roundtrip_fail_with(42, &f);
    CHECK(f.is_err && f.val.err.tag == ROUNDTRIP_FAILURE_CODE && f.val.err.val.code == 42);
    roundtrip_fail_with(1, &f);
    CHECK(f.is_err && f.val.err.tag == ROUNDTRIP_FAILURE_BAD_INPUT && same(&f.val.err.val.bad_input, "one"));
    roundtrip_expected_unit_failure_free(&f);
}

static void resources(void)
{
    roundtrip_expected_counter_failure_t a, b;
    roundtrip_counter_make(10, &a);
    roundtrip_counter_make(20, &b);
    CHECK(!a.is_err && !b.is_err && a.val.ok.idx == 0 && b.val.ok.idx == 1);
    CHECK(roundtrip_counter_bump(a.val.ok, 5) == 15 && roundtrip_counter_value(b.val.ok) == 20);
    roundtrip_counter_t c = roundtrip_counter_clone(&a.val.ok);
    CHECK(c.idx == 2 && roundtrip_counter_bump(c, 1) == 16);
    roundtrip_counter_free(&a.val.ok);
    CHECK(roundtrip_counter_value(c) == 16); /* the clone keeps the object */
    roundtrip_counter_free(&b.val.ok);
    roundtrip_expected_counter_failure_t d;
    roundtrip_counter_make(1, &d);
    CHECK(!d.is_err && d.val.ok.idx == 1); /* most recently freed first */
    roundtrip_counter_make(1000, &d);
    CHECK(d.is_err && d.val.err.tag == ROUNDTRIP_FAILURE_BAD_INPUT);
    roundtrip_failure_free(&d.val.err);
}

/* raw imports for the guest bugs */
__attribute__((import_module("roundtrip"), import_name("echo-string")))
void raw_echo_string(int32_t, int32_t, int32_t);
__attribute__((import_module("roundtrip"), import_name("echo-shape")))
void raw_echo_shape(int32_t, int32_t, int64_t, int32_t);
__attribute__((import_module("roundtrip"), import_name("counter::value")))
int32_t raw_counter_value(int32_t);
__attribute__((import_module("canonical_abi"), import_name("resource_drop_counter")))
void raw_drop_counter(int32_t);
__attribute__((import_module("roundtrip"), import_name("echo-names")))
void raw_echo_names(int32_t, int32_t, int32_t);

static __attribute__((aligned(8))) uint8_t area[64];

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "ok";
    if (strcmp(mode, "ok") == 0) {
        scalars();
        strings();
        lists();
        variants();
        records();
        resources();
        printf("%s\n", fails ? "FAILED" : "ok");
        return fails ? 1 : 0;
    }
    static const char bad[] = "ab\xff";
    if (strcmp(mode, "bad-utf8") == 0)
        raw_echo_string((int32_t)(uintptr_t)bad, 3, (int32_t)(uintptr_t)area);
    else if (strcmp(mode, "oob") == 0)
        raw_echo_string(0x7ffffff0, 100, (int32_t)(uintptr_t)area);
    else if (strcmp(mode, "bad-tag") == 0)
        raw_echo_shape(9, 0, 0, (int32_t)(uintptr_t)area);
    else if (strcmp(mode, "bad-handle") == 0)
        raw_counter_value(7);
    else if (strcmp(mode, "double-drop") == 0) {
        roundtrip_expected_counter_failure_t a;
        roundtrip_counter_make(1, &a);
        raw_drop_counter((int32_t)a.val.ok.idx);
        raw_drop_counter((int32_t)a.val.ok.idx);
    } else if (strcmp(mode, "bad-retptr") == 0)
        raw_echo_string((int32_t)(uintptr_t)"x", 1, -4);
    else if (strcmp(mode, "bad-list") == 0)
        raw_echo_names((int32_t)(uintptr_t)area, 0x10000000, (int32_t)(uintptr_t)area);
    printf("no trap\n");
    return 3;
}
