package dev.evertone.provisioning;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A device as shown, with its owner and lines.
 *
 * @param mac as people write it ({@code 00:15:65:aa:bb:cc}), or null for a softphone
 */
public record DeviceInfo(
    long id,
    String domain,
    @Nullable String mac,
    @Nullable String model,
    @Nullable String description,
    @Nullable String extension,
    @Nullable String displayName,
    List<LineInfo> lines,
    Instant createdAt,
    Instant updatedAt) {
  public DeviceInfo {
    lines = List.copyOf(lines);
  }
}
