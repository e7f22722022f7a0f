/*
 * A library that tries to export an internal hotline__ symbol: linked with
 * libhotline/hotline.map it must not leak, and without the map the symbol
 * check must catch it.
 */
__attribute__((visibility("default"))) int hotline__leak(void);
__attribute__((visibility("default"))) int hotline_public(void);
__attribute__((visibility("default"))) int hotline_2public(void);

int hotline__leak(void)
{
	return 1;
}

int hotline_public(void)
{
	return hotline__leak();
}

int hotline_2public(void)
{
	return hotline__leak() + 1;
}
