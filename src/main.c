/* The weft program: everything lives in the library; main only hands over to the command table. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
