package dev.evertone.provisioning;

import org.jspecify.annotations.Nullable;

/**
 * A trunk as an operator writes it (API body, CLI options); what is left out takes its default:
 * port 5060, transport udp, priority 10, number format e164, no registration. {@code password} null
 * keeps the stored one.
 */
public record TrunkSpec(
    @Nullable String host,
    @Nullable Integer port,
    @Nullable String transport,
    @Nullable String username,
    @Nullable String password,
    @Nullable Integer priority,
    @Nullable String numberFormat,
    @Nullable Integer registerInterval) {

  @Override
  public String toString() {
    return "TrunkSpec["
        + host
        + ":"
        + port
        + ", "
        + transport
        + ", "
        + username
        + ", password="
        + (password == null ? "unchanged" : "(hidden)")
        + "]";
  }
}
