/* For the Elasticsearch stand-in on a machine whose processes may hold fewer open files than
 * Elasticsearch's bootstrap check asks of a node that forms a cluster (65,535) and may not raise
 * that limit (compose-low-nofile.yml preloads it there, and only there): the open-files limit reads
 * as IOPFINDER_REPORTED_NOFILE. The limit the kernel enforces, and every other limit, are unchanged. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/resource.h>

static const char *reported(__rlimit_resource_t resource) {
    return resource == RLIMIT_NOFILE ? getenv("IOPFINDER_REPORTED_NOFILE") : NULL;
}

int getrlimit(__rlimit_resource_t resource, struct rlimit *limit) {
    int (*real)(__rlimit_resource_t, struct rlimit *) = dlsym(RTLD_NEXT, "getrlimit");
    int result = real(resource, limit);
    if (result == 0 && reported(resource)) {
        limit->rlim_cur = limit->rlim_max = strtoul(reported(resource), NULL, 10);
    }
    return result;
}

int getrlimit64(__rlimit_resource_t resource, struct rlimit64 *limit) {
    int (*real)(__rlimit_resource_t, struct rlimit64 *) = dlsym(RTLD_NEXT, "getrlimit64");
    int result = real(resource, limit);
    if (result == 0 && reported(resource)) {
        limit->rlim_cur = limit->rlim_max = strtoul(reported(resource), NULL, 10);
    }
    return result;
}
