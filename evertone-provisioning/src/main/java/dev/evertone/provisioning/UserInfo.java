package dev.evertone.provisioning;

import org.jspecify.annotations.Nullable;

/** A user (extension) of a domain, with how many devices it owns. */
public record UserInfo(
    String domain, String extension, @Nullable String displayName, int devices) {}
