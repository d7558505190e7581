package dev.evertone.store.registration;

import org.jspecify.annotations.Nullable;

/**
 * A registration as the store keeps it: what the location service needs to reach the device again
 * after a restart, without the connection (which does not survive one).
 *
 * @param qMillis the q-value times 1000, or -1 when the contact had none
 * @param transport udp, tcp, tls, ws or wss
 * @param regId RFC 5626 reg-id, or -1
 */
public record StoredBinding(
    String aor,
    String contact,
    @Nullable String contactParams,
    int qMillis,
    String callId,
    long cseq,
    long expiresAt,
    long registeredAt,
    String transport,
    String sourceIp,
    int sourcePort,
    @Nullable String userAgent,
    @Nullable String instanceId,
    int regId,
    @Nullable String path,
    String node) {}
