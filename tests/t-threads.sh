#!/usr/bin/env bash
# Several renders at once in one process (tests/threads.c), built with ThreadSanitizer: each
# thread renders charts/itl-k8s-capi with its own values, and every result must equal the same
# render done alone, with no data race reported.
set -u
cd "$(dirname "$0")/.."
source tests/lib.sh
out=build/threads-tsan
mkdir -p build
srcs=$(ls values/*.c renderer/*.c functions/*.c chart/*.c net/*.c release/*.c)
if ${CC:-gcc} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -g -fsanitize=thread \
	$(pkg-config --cflags yaml-0.1 libpcre2-8 jansson libarchive libcurl zlib libcrypto) \
	-o "$out" tests/threads.c $srcs \
	$(pkg-config --libs yaml-0.1 libpcre2-8 jansson zlib) -lcrypt -lpthread -lm -ldl; then
	pass
else
	fail "building tests/threads.c with ThreadSanitizer"
	finish
	exit 1
fi
if TSAN_OPTIONS=halt_on_error=1 "$out" charts/itl-k8s-capi >build/threads.out 2>&1 &&
	! grep -q "ThreadSanitizer" build/threads.out; then
	pass
else
	fail "concurrent renders: $(cat build/threads.out)"
fi
tail -1 build/threads.out
finish
