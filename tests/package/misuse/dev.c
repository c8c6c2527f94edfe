/* misuse test: never compiled (the configure step stops first) */
