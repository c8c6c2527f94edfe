/* optdir/opt_dir_header.h: found only through an -I given to vg_front_parse(). */
#define OPT_LEN 5
