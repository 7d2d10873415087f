/*
 * Linked into the project's test broker (libs/kafka-mock-broker/native/kafka-mock-broker.c, unchanged)
 * with -Wl,--wrap=rd_kafka_mock_cluster_bootstraps, for the compose smoke check's Kafka stand-in.
 *
 * librdkafka's mock listens on a kernel-chosen loopback port and advertises that address in Metadata,
 * which no other container can reach. The program asks for the bootstrap address once, right after it
 * has created the cluster; this wrapper then makes broker 1 advertise KAFKA_STANDIN_ADVERTISE
 * (host:port, e.g. kafka:9092) instead. The listener stays where it is: the stand-in's entry point
 * forwards the advertised port to it. The printed bootstrap line still names the real listener.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

const char *__real_rd_kafka_mock_cluster_bootstraps(const rd_kafka_mock_cluster_t *mcluster);

const char *__wrap_rd_kafka_mock_cluster_bootstraps(const rd_kafka_mock_cluster_t *mcluster) {
    const char *listener = __real_rd_kafka_mock_cluster_bootstraps(mcluster);
    const char *advertise = getenv("KAFKA_STANDIN_ADVERTISE");
    char host[256];
    const char *colon;
    long port;

    if (advertise == NULL || *advertise == '\0')
        return listener;
    colon = strrchr(advertise, ':');
    port = colon ? strtol(colon + 1, NULL, 10) : 0;
    if (colon == NULL || colon == advertise || (size_t)(colon - advertise) >= sizeof(host) || port <= 0 ||
        port > 65535) {
        fprintf(stderr, "kafka-mock-broker: KAFKA_STANDIN_ADVERTISE wants host:port, not %s\n", advertise);
        exit(2);
    }
    memcpy(host, advertise, (size_t)(colon - advertise));
    host[colon - advertise] = '\0';
    /* The mock cluster is ours to change; the header only promises not to change it itself. */
    rd_kafka_mock_broker_set_host_port((rd_kafka_mock_cluster_t *)mcluster, 1, host, (int)port);
    fprintf(stderr, "kafka-mock-broker: broker 1 advertises %s, listens on %s\n", advertise, listener);
    return listener;
}
