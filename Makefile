# The two commands (see README.md):
#   make run   installs missing Debian packages, builds, starts the service
#   make test  builds and runs the test suite
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
LISTEN ?= 127.0.0.1:50051
DATA ?= ./var/tidings

.PHONY: all deps configure build run test bench format format-check clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

configure: deps $(BUILD_DIR)/CMakeCache.txt

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/tidings serve --listen $(LISTEN) --data $(DATA)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 300

bench: build
	$(BUILD_DIR)/bench/scoring_bench

# clang-format (style in .clang-format) over every C++ file git tracks;
# format-check changes nothing and fails on any difference (.ci/run runs it).
CXX_SOURCES = git ls-files '*.cc' '*.h'
format:
	$(CXX_SOURCES) | xargs clang-format -i

format-check:
	$(CXX_SOURCES) | xargs clang-format --dry-run -Werror

clean:
	rm -rf $(BUILD_DIR)
