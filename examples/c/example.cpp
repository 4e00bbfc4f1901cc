// zoom-sdk from C++: RAII owners for the client and for the strings the library returns, and
// an exception carrying the result code and the error JSON. Run: example-cpp USER (a user
// connected by the C example; examples/c/run.sh does it).
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "zoom_sdk.h"

namespace zoom {

struct Error : std::runtime_error {
    ZoomResult code;
    std::string json;
    Error(ZoomResult c, const char *what)
        : std::runtime_error(std::string(what) + ": " + zoom_last_error_message()),
          code(c),
          json(zoom_last_error_json()) {}
};

inline void check(ZoomResult r, const char *what) {
    if (r != ZOOM_RESULT_OK) {
        throw Error(r, what);
    }
}

// A string returned by the library, freed once.
struct StringFree {
    void operator()(char *s) const { zoom_string_free(s); }
};
using String = std::unique_ptr<char, StringFree>;

class Client {
  public:
    Client() {
        ZoomClientHandle *raw = nullptr;
        check(zoom_client_new_from_env(&raw), "zoom_client_new_from_env");
        handle_.reset(raw);
    }

    std::string search(const std::string &user, const std::string &query) const {
        char *out = nullptr;
        check(zoom_integration_search(handle_.get(), user.c_str(), query.c_str(), nullptr, &out),
              "zoom_integration_search");
        return String(out).get();
    }

    std::string meeting(uint64_t id) const {
        char *out = nullptr;
        check(zoom_meeting_get(handle_.get(), nullptr, id, &out), "zoom_meeting_get");
        return String(out).get();
    }

  private:
    struct ClientFree {
        void operator()(ZoomClientHandle *c) const { zoom_client_free(c); }
    };
    std::unique_ptr<ZoomClientHandle, ClientFree> handle_;
};

}  // namespace zoom

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s USER\n", argv[0]);
        return 2;
    }
    try {
        zoom::Client client;
        std::printf("search: %.80s...\n", client.search(argv[1], "review").c_str());
        try {
            client.meeting(1);
            std::fprintf(stderr, "expected a not-found error\n");
            return 1;
        } catch (const zoom::Error &e) {
            std::printf("caught %s: %s\n", zoom_error_kind_name(e.code), e.json.c_str());
            return e.code == ZOOM_RESULT_NOT_FOUND ? 0 : 1;
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
}
