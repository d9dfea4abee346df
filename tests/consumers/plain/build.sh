# Consumer (d): no build system, the compiler and pkg-config. tests/consumers/run_consumers.py
# runs this in a directory holding app.cpp, with PKG_CONFIG_SYSROOT_DIR and PKG_CONFIG_PATH
# pointing into a staged install (and with g++ replaced by the compiler under test). The lines
# between the markers are README's, verbatim.
# README begin
g++ -std=c++20 $(pkg-config --cflags ctattn) app.cpp -o app
# README end
