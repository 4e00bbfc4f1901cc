/*
 * zoom-sdk from C: a client from the environment, meetings created and listed through
 * Server-to-Server OAuth, a not-found error handled, a user connected through user OAuth, their
 * data synced into the local index with a progress callback and searched, and the health
 * summary. Every string the library returns is freed with zoom_string_free().
 *
 *   example connect USER        print the URL to send USER's browser to
 *   example complete STATE CODE finish the connection from the callback's query
 *   example run USER            everything else
 *
 * Build: cc -std=c11 -Wall -Wextra -Werror example.c $(pkg-config --cflags --libs zoom_sdk)
 * (examples/c/run.sh builds it, starts the emulator and runs it under valgrind).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "zoom_sdk.h"

/* Print the failure of `what` and return 1, or return 0 on success. */
static int failed(ZoomResult r, const char *what) {
    if (r == ZOOM_RESULT_OK) {
        return 0;
    }
    fprintf(stderr, "%s: %s: %s\n", what, zoom_error_kind_name(r), zoom_last_error_message());
    return 1;
}

struct progress {
    unsigned pages;
    uint64_t items;
};

static void on_progress(const char *kind, uint64_t done, int64_t total, void *user_data) {
    struct progress *p = user_data;
    p->pages += 1;
    p->items = done;
    if (total >= 0) {
        printf("  sync: %s %" PRIu64 "/%" PRId64 "\n", kind, done, total);
    }
}

static int connect_url(ZoomClientHandle *client, const char *user) {
    char *started = NULL;
    if (failed(zoom_integration_add(client, user, &started), "zoom_integration_add")) {
        return 1;
    }
    printf("%s\n", started);
    zoom_string_free(started);
    return 0;
}

static int complete(ZoomClientHandle *client, const char *state, const char *code) {
    char *connected = NULL;
    if (failed(zoom_integration_complete(client, state, code, &connected),
               "zoom_integration_complete")) {
        return 1;
    }
    printf("connected: %s\n", connected);
    zoom_string_free(connected);
    /* The same state a second time: a typed refusal, not a crash. */
    char *again = NULL;
    ZoomResult r = zoom_integration_complete(client, state, code, &again);
    printf("the same callback again: %s\n", zoom_error_kind_name(r));
    return r == ZOOM_RESULT_STATE_MISMATCH ? 0 : 1;
}

static int run(ZoomClientHandle *client, const char *user) {
    char *out = NULL;

    /* Meetings, as the account (Server-to-Server): user NULL. */
    const char *meeting = "{\"topic\": \"Budget review from C\", \"type\": 2, "
                          "\"start_time\": \"2030-03-01T15:00:00Z\", \"duration\": 45, "
                          "\"agenda\": \"Quarterly numbers\"}";
    if (failed(zoom_meeting_create(client, NULL, "me", meeting, &out), "zoom_meeting_create")) {
        return 1;
    }
    printf("created: %.80s...\n", out);
    zoom_string_free(out);
    if (failed(zoom_meetings_list(client, NULL, "{\"page_size\": 5}", &out),
               "zoom_meetings_list")) {
        return 1;
    }
    printf("listed: %zu bytes of JSON\n", strlen(out));
    zoom_string_free(out);

    /* A meeting that does not exist: ZOOM_RESULT_NOT_FOUND, with Zoom's details. */
    out = NULL;
    ZoomResult r = zoom_meeting_get(client, NULL, 1, &out);
    if (r != ZOOM_RESULT_NOT_FOUND || out != NULL) {
        fprintf(stderr, "expected not_found, got %s\n", zoom_error_kind_name(r));
        return 1;
    }
    printf("not found, as expected: %s\n", zoom_last_error_json());

    /* The connected user: sync with a progress callback, then search. */
    struct progress p = {0, 0};
    if (failed(zoom_integration_sync(client, user, "{\"recordings_days\": 90, \"page_size\": 3}",
                                     on_progress, &p, &out),
               "zoom_integration_sync")) {
        return 1;
    }
    printf("synced: %u pages, %" PRIu64 " items; report %.60s...\n", p.pages, p.items, out);
    zoom_string_free(out);
    if (failed(zoom_integration_search(client, user, "review OR sync", "{\"page_size\": 3}", &out),
               "zoom_integration_search")) {
        return 1;
    }
    printf("search: %.100s...\n", out);
    zoom_string_free(out);
    /* Hostile text is just text. */
    if (failed(zoom_integration_search(client, user, "\"; DROP TABLE x; NEAR(*", NULL, &out),
               "zoom_integration_search (hostile)")) {
        return 1;
    }
    zoom_string_free(out);
    if (failed(zoom_integration_status(client, user, &out), "zoom_integration_status")) {
        return 1;
    }
    printf("status: %.80s...\n", out);
    zoom_string_free(out);

    if (failed(zoom_health(client, &out), "zoom_health")) {
        return 1;
    }
    printf("health: %.80s...\n", out);
    /* Freeing twice is a code, not a crash. */
    zoom_string_free(out);
    r = zoom_string_free(out);
    printf("second free: %s\n", zoom_error_kind_name(r));
    /* NULL arguments are codes too. */
    r = zoom_meetings_list(NULL, NULL, NULL, &out);
    printf("NULL client: %s (%s)\n", zoom_error_kind_name(r), zoom_last_error_message());
    return r == ZOOM_RESULT_NULL_ARGUMENT ? 0 : 1;
}

int main(int argc, char **argv) {
    if (zoom_sdk_abi_version() != ZOOM_SDK_ABI_VERSION) {
        fprintf(stderr, "header and library disagree on the ABI version\n");
        return 2;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: %s connect USER | complete STATE CODE | run USER\n", argv[0]);
        return 2;
    }
    ZoomClientHandle *client = NULL;
    if (failed(zoom_client_new_from_env(&client), "zoom_client_new_from_env")) {
        return 1;
    }
    int rc = 2;
    if (strcmp(argv[1], "connect") == 0) {
        rc = connect_url(client, argv[2]);
    } else if (strcmp(argv[1], "complete") == 0 && argc == 4) {
        rc = complete(client, argv[2], argv[3]);
    } else if (strcmp(argv[1], "run") == 0) {
        printf("zoom-sdk %s (ABI %u)\n", zoom_sdk_version(), zoom_sdk_abi_version());
        rc = run(client, argv[2]);
    }
    if (failed(zoom_client_free(client), "zoom_client_free")) {
        return 1;
    }
    return rc;
}
