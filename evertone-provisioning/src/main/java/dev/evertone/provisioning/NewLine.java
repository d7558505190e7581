package dev.evertone.provisioning;

import org.jspecify.annotations.Nullable;

/**
 * A line to add to a device.
 *
 * @param line its position on the device; null: the first free one
 * @param secret its SIP password; null: a strong one is generated and returned once
 */
public record NewLine(@Nullable Integer line, String authUser, @Nullable String secret) {
  @Override
  public String toString() {
    return "NewLine[" + line + ", " + authUser + ", secret=(hidden)]";
  }
}
