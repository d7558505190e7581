package dev.evertone.store.provisioning;

import java.time.Instant;

/**
 * A SIP domain: the host part of the addresses-of-record of its devices, and their digest realm.
 */
public record Domain(long id, String name, Instant createdAt) {}
