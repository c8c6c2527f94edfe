/* target.h: no includes, so it parses for any --target (i686 has no multilib libc here). */
struct OnTarget {
    char a;
    long b;
    long long c;
    double d;
    void *p;
};
