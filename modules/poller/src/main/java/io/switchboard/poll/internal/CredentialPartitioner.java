package io.switchboard.poll.internal;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

/**
 * The partition of a credential on {@code poll-jobs} and {@code poll-progress}: murmur2 of the UTF-8 credential id, as
 * Kafka's default partitioner would pick for that key. Every job of one credential lives there (the record key is the
 * job id, so the partition is given explicitly), which makes the poller assigned that partition the only one polling
 * the credential. Stateless.
 */
public final class CredentialPartitioner {

    private CredentialPartitioner() {
    }

    /** The partition of {@code credentialId} among {@code partitions}. */
    public static int partitionOf(String credentialId, int partitions) {
        return Utils.toPositive(Utils.murmur2(credentialId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
