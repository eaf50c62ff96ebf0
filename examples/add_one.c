/* add_one.c — the smallest guest: one export, (i32) -> i32, returns x + 1. */
__attribute__((export_name("add_one"))) int add_one(int x)
{
    /* Unsigned arithmetic: wraps at INT32_MAX like i32.add, without UB. */
    return (int)((unsigned)x + 1u);
}
