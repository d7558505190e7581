package dev.evertone.provisioning;

import java.time.Instant;

/** A domain (tenant) with how much it holds. */
public record DomainInfo(String name, Instant createdAt, int users, int devices, int lines) {}
