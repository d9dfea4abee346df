// The static tests are the static_asserts in the other translation units of this executable;
// compiling them is the test. The program itself has nothing to do.
int main() { return 0; }
