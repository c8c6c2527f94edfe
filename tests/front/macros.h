/* macros.h: object-like macros and enum constants, for test_front. */
#include <stdint.h>
#include <vms/annotate.h>

#define PLAIN 42
#define NEGATIVE (-3)
#define HEX 0x1fu
#define DERIVED (PLAIN * 2 + \
                 1)
#define EMPTY
#define TEXT "hello"
#define FUNC(x) ((x) + 1)
#ifdef FROM_CLI
#define SEEN_CLI 1
#endif
#define REDEF 1
#undef REDEF
#define REDEF 2

enum { ANON_A = 5, ANON_B };
enum Named { NAMED_A = -2, NAMED_B = PLAIN };

struct WithEnum {
    enum Inner { INNER_X = 100, INNER_Y } e;
    int32_t v;
};
