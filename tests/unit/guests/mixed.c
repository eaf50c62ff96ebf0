/* A freestanding wasm32 guest for the decoder tests: function pointers
   (an element segment), constant data (a data segment), globals, loops,
   floating point and 64-bit arithmetic, so clang emits a realistic mix of
   sections. */
typedef int (*op_fn)(int, int);

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
static int xor_(int a, int b) { return a ^ b; }

static op_fn ops[] = {add, sub, mul, xor_};
static const char text[] = "The quick brown fox jumps over the lazy dog";
static int counter;

int apply(int which, int a, int b) { return ops[(unsigned)which % 4](a, b); }

int count_letter(char c)
{
    int n = 0;
    for (const char *p = text; *p; p++)
        n += *p == c;
    counter += n;
    return n;
}

double poly(double x)
{
    double r = 0;
    for (int i = 0; i < 8; i++)
        r = r * x + (double)(i + 1) / 3.0;
    return r;
}

long long mix64(long long a, unsigned long long b)
{
    return (a * 6364136223846793005LL) ^ (long long)(b >> 7) ^ (long long)(float)a;
}

int get_counter(void) { return counter; }
