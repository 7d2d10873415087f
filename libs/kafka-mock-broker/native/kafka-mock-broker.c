/*
 * kafka-mock-broker: a Kafka-protocol broker for tests, built on librdkafka's mock cluster.
 *
 * No real Kafka runs on the development and CI machines, so tests and the local stack talk to
 * librdkafka's in-process mock cluster, which speaks the Kafka protocol on real TCP sockets.
 * This program only wraps it: create the cluster and topics, print where it listens, then take
 * fault-injection commands on stdin until told to stop.
 *
 * Usage: kafka-mock-broker [--brokers N] [--topic NAME:PARTITIONS]...
 *                          [--initial-rebalance-delay MS] [--no-stdin]
 *
 * Protocol (line based, so a parent process can drive it through pipes):
 *   stdout: one "bootstrap=host:port[,host:port...]" line once ready, then one answer per
 *           command: "ok", "ok <text>" or "error: <text>".
 *   stdin:  one command per line (see usage_line below). EOF on stdin stops the broker, so it
 *           never outlives the process that started it; --no-stdin runs until a signal instead.
 *   SIGTERM / SIGINT stop it; the exit status is 0 after a clean stop.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_BROKERS 64
#define MAX_LINE 4096
#define MAX_ARGS 70

static const char usage_line[] =
    "broker-down ID | broker-up ID | rtt ID MS | push-errors APIKEY ERR [ERR...] | "
    "leader TOPIC PARTITION BROKERID | topic-create NAME PARTITIONS | "
    "coordinator group|transaction KEY BROKERID | help";

/* Self-pipe: the signal handler only writes a byte, the main loop polls it next to stdin. */
static int signal_pipe[2] = {-1, -1};

static void on_stop_signal(int sig) {
    int saved = errno;
    (void)sig;
    (void)!write(signal_pipe[1], "x", 1);
    errno = saved;
}

/* Parses a whole decimal integer within [min, max]; returns 0 on success. */
static int parse_long(const char *text, long min, long max, long *out) {
    char *end = NULL;
    long value;

    if (text == NULL || *text == '\0')
        return -1;
    errno = 0;
    value = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < min || value > max)
        return -1;
    *out = value;
    return 0;
}

/* An error code is given as a number (e.g. 6) or a librdkafka name, with or without the
 * RD_KAFKA_RESP_ERR_ prefix (e.g. NOT_LEADER_FOR_PARTITION, _TRANSPORT); names read better in
 * tests. Returns 0 on success. */
static int parse_error_code(const char *text, rd_kafka_resp_err_t *out) {
    const struct rd_kafka_err_desc *descs;
    size_t count, i;
    long number;
    const char *name = text;

    if (parse_long(text, INT_MIN, INT_MAX, &number) == 0) {
        *out = (rd_kafka_resp_err_t)number;
        return 0;
    }
    if (strncasecmp(name, "RD_KAFKA_RESP_ERR_", 18) == 0)
        name += 18;
    rd_kafka_get_err_descs(&descs, &count);
    for (i = 0; i < count; i++) {
        if (descs[i].name != NULL && strcasecmp(descs[i].name, name) == 0) {
            *out = descs[i].code;
            return 0;
        }
    }
    return -1;
}

/* Every answer is exactly one flushed line: the parent matches answers to commands by order. */
static void reply_ok(const char *text) {
    if (text != NULL)
        printf("ok %s\n", text);
    else
        printf("ok\n");
    fflush(stdout);
}

static void reply_error(const char *fmt, ...) {
    va_list ap;

    fputs("error: ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static void reply_result(rd_kafka_resp_err_t err) {
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
        reply_ok(NULL);
    else
        reply_error("%s (%s)", rd_kafka_err2str(err), rd_kafka_err2name(err));
}

/* Broker ids start at 1; -1 means every broker for the calls that accept it. */
static int parse_broker_id(const char *text, int32_t *out) {
    long id;

    if (parse_long(text, -1, INT32_MAX, &id) != 0)
        return -1;
    *out = (int32_t)id;
    return 0;
}

static void run_command(rd_kafka_mock_cluster_t *mcluster, char *line) {
    char *argv[MAX_ARGS];
    int argc = 0;
    char *save = NULL;
    char *token;
    int32_t broker;
    long number, partition;

    for (token = strtok_r(line, " \t\r", &save); token != NULL;
         token = strtok_r(NULL, " \t\r", &save)) {
        if (argc == MAX_ARGS) {
            reply_error("too many arguments (at most %d)", MAX_ARGS - 1);
            return;
        }
        argv[argc++] = token;
    }
    if (argc == 0) {
        reply_error("empty command; try help");
        return;
    }

    if (strcmp(argv[0], "help") == 0) {
        reply_ok(usage_line);
    } else if (strcmp(argv[0], "broker-down") == 0 || strcmp(argv[0], "broker-up") == 0) {
        if (argc != 2 || parse_broker_id(argv[1], &broker) != 0) {
            reply_error("usage: %s ID", argv[0]);
            return;
        }
        /* Closes the listener and every connection; leadership does not move by itself. */
        reply_result(argv[0][7] == 'd' ? rd_kafka_mock_broker_set_down(mcluster, broker)
                                       : rd_kafka_mock_broker_set_up(mcluster, broker));
    } else if (strcmp(argv[0], "rtt") == 0) {
        if (argc != 3 || parse_broker_id(argv[1], &broker) != 0 ||
            parse_long(argv[2], 0, 3600 * 1000, &number) != 0) {
            reply_error("usage: rtt ID MS");
            return;
        }
        reply_result(rd_kafka_mock_broker_set_rtt(mcluster, broker, (int)number));
    } else if (strcmp(argv[0], "push-errors") == 0) {
        rd_kafka_resp_err_t errors[MAX_ARGS];
        int i;

        if (argc < 3 || parse_long(argv[1], 0, INT16_MAX, &number) != 0) {
            reply_error("usage: push-errors APIKEY ERR [ERR...]");
            return;
        }
        for (i = 2; i < argc; i++) {
            if (parse_error_code(argv[i], &errors[i - 2]) != 0) {
                reply_error("unknown error code %s", argv[i]);
                return;
            }
        }
        /* The next argc-2 requests with this ApiKey, to any broker, fail in this order. */
        rd_kafka_mock_push_request_errors_array(mcluster, (int16_t)number, (size_t)(argc - 2),
                                                errors);
        reply_ok(NULL);
    } else if (strcmp(argv[0], "leader") == 0) {
        if (argc != 4 || parse_long(argv[2], 0, INT32_MAX, &partition) != 0 ||
            parse_broker_id(argv[3], &broker) != 0) {
            reply_error("usage: leader TOPIC PARTITION BROKERID");
            return;
        }
        reply_result(
            rd_kafka_mock_partition_set_leader(mcluster, argv[1], (int32_t)partition, broker));
    } else if (strcmp(argv[0], "topic-create") == 0) {
        if (argc != 3 || parse_long(argv[2], 1, 100000, &number) != 0) {
            reply_error("usage: topic-create NAME PARTITIONS");
            return;
        }
        reply_result(rd_kafka_mock_topic_create(mcluster, argv[1], (int)number, 1));
    } else if (strcmp(argv[0], "coordinator") == 0) {
        if (argc != 4 || parse_broker_id(argv[3], &broker) != 0) {
            reply_error("usage: coordinator group|transaction KEY BROKERID");
            return;
        }
        reply_result(rd_kafka_mock_coordinator_set(mcluster, argv[1], argv[2], broker));
    } else {
        reply_error("unknown command %s; try help", argv[0]);
    }
}

/* "NAME:PARTITIONS"; Kafka topic names cannot contain ':', so the last one splits.
 * Returns the partition count and cuts the name off in place, or -1 when malformed. */
static long split_topic_spec(char *spec) {
    char *colon = strrchr(spec, ':');
    long partitions;

    if (colon == NULL || colon == spec || parse_long(colon + 1, 1, 100000, &partitions) != 0) {
        fprintf(stderr, "kafka-mock-broker: bad --topic %s (want NAME:PARTITIONS)\n", spec);
        return -1;
    }
    *colon = '\0';
    return partitions;
}

/* Reads stdin until a signal or EOF, running each complete line as a command. */
static void serve(rd_kafka_mock_cluster_t *mcluster, int read_stdin) {
    char buf[MAX_LINE];
    size_t used = 0;
    int discarding = 0; /* inside an over-long line, already answered */

    for (;;) {
        struct pollfd fds[2] = {{signal_pipe[0], POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        ssize_t n;
        char *start, *newline;

        if (poll(fds, read_stdin ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            perror("kafka-mock-broker: poll");
            return;
        }
        if (fds[0].revents != 0)
            return;
        if (!read_stdin || fds[1].revents == 0)
            continue;

        n = read(STDIN_FILENO, buf + used, sizeof(buf) - 1 - used);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return; /* EOF: the parent is gone or done */
        used += (size_t)n;

        start = buf;
        while ((newline = memchr(start, '\n', used - (size_t)(start - buf))) != NULL) {
            *newline = '\0';
            if (!discarding)
                run_command(mcluster, start);
            discarding = 0;
            start = newline + 1;
        }
        used -= (size_t)(start - buf);
        memmove(buf, start, used);
        if (used == sizeof(buf) - 1) {
            if (!discarding)
                reply_error("line longer than %d bytes", MAX_LINE - 2);
            discarding = 1;
            used = 0;
        }
    }
}

int main(int argc, char **argv) {
    long brokers = 1;
    long initial_rebalance_delay_ms = -1; /* -1: keep the mock's default (3000, as Kafka's) */
    long partitions[MAX_ARGS];
    char *topics[MAX_ARGS];
    int topic_count = 0;
    int read_stdin = 1;
    char errstr[512];
    rd_kafka_conf_t *conf;
    rd_kafka_t *rk;
    rd_kafka_mock_cluster_t *mcluster;
    struct sigaction sa;
    int i;

    /* Options first, so a typo fails before any socket is opened. */
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--brokers") == 0 && i + 1 < argc) {
            if (parse_long(argv[++i], 1, MAX_BROKERS, &brokers) != 0) {
                fprintf(stderr, "kafka-mock-broker: --brokers wants 1..%d\n", MAX_BROKERS);
                return 2;
            }
        } else if (strcmp(argv[i], "--topic") == 0 && i + 1 < argc) {
            if (topic_count == MAX_ARGS) {
                fprintf(stderr, "kafka-mock-broker: at most %d --topic\n", MAX_ARGS);
                return 2;
            }
            topics[topic_count] = argv[++i];
            if ((partitions[topic_count] = split_topic_spec(topics[topic_count])) < 0)
                return 2;
            topic_count++;
        } else if (strcmp(argv[i], "--initial-rebalance-delay") == 0 && i + 1 < argc) {
            if (parse_long(argv[++i], 0, 3600 * 1000, &initial_rebalance_delay_ms) != 0) {
                fprintf(stderr, "kafka-mock-broker: --initial-rebalance-delay wants milliseconds\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--no-stdin") == 0) {
            read_stdin = 0;
        } else {
            fprintf(stderr,
                    "usage: kafka-mock-broker [--brokers N] [--topic NAME:PARTITIONS]... "
                    "[--initial-rebalance-delay MS] [--no-stdin]\n");
            return 2;
        }
    }

    if (pipe(signal_pipe) != 0) {
        perror("kafka-mock-broker: pipe");
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    /* A parent that closes our stdout must not kill us mid-shutdown. */
    signal(SIGPIPE, SIG_IGN);

    /* The mock cluster needs a client handle for bookkeeping only; it never connects anywhere. */
    conf = rd_kafka_conf_new();
    /* Warnings and errors only: the notice that no bootstrap.servers is set is expected here. */
    if (rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK ||
        /* The mock wraps each accepted socket with this handle's settings, so this turns Nagle off
         * on the broker side too: mock responses are small and must not wait for the client's
         * delayed ACK. Default since librdkafka 2.10; explicit so an older build cannot lose it. */
        rd_kafka_conf_set(conf, "socket.nagle.disable", "true", errstr, sizeof(errstr)) !=
            RD_KAFKA_CONF_OK) {
        fprintf(stderr, "kafka-mock-broker: %s\n", errstr);
        rd_kafka_conf_destroy(conf);
        return 1;
    }
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (rk == NULL) {
        fprintf(stderr, "kafka-mock-broker: rd_kafka_new: %s\n", errstr);
        return 1;
    }
    mcluster = rd_kafka_mock_cluster_new(rk, (int)brokers);
    if (mcluster == NULL) {
        fprintf(stderr, "kafka-mock-broker: cannot create the mock cluster\n");
        rd_kafka_destroy(rk);
        return 1;
    }
    /* Broker ids start at 1 but the reported controller id defaults to 0, which is no broker:
     * controller-bound requests (kafkajs admin, idempotent producer InitProducerId) then fail. */
    rd_kafka_mock_set_controller_id(mcluster, 1);
    /* The first join of an empty group waits this long for more members (Kafka's
     * group.initial.rebalance.delay.ms); tests with one consumer per group gain from 0. */
    if (initial_rebalance_delay_ms >= 0)
        rd_kafka_mock_group_initial_rebalance_delay_ms(mcluster, (int32_t)initial_rebalance_delay_ms);

    /* Explicitly, because auto-creation on first use always makes 4 partitions. */
    for (i = 0; i < topic_count; i++) {
        rd_kafka_resp_err_t err =
            rd_kafka_mock_topic_create(mcluster, topics[i], (int)partitions[i], 1);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            fprintf(stderr, "kafka-mock-broker: cannot create topic %s: %s\n", topics[i],
                    rd_kafka_err2str(err));
            rd_kafka_mock_cluster_destroy(mcluster);
            rd_kafka_destroy(rk);
            return 2;
        }
    }

    printf("bootstrap=%s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
    fflush(stdout);

    serve(mcluster, read_stdin);

    rd_kafka_mock_cluster_destroy(mcluster);
    rd_kafka_destroy(rk);
    return 0;
}
