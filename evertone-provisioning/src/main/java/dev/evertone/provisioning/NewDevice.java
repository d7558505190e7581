package dev.evertone.provisioning;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A device to add, with at least one line.
 *
 * @param extension the owner user; created (with {@code displayName}) if the domain does not have
 *     it yet
 */
public record NewDevice(
    String domain,
    @Nullable String extension,
    @Nullable String displayName,
    @Nullable String mac,
    @Nullable String model,
    @Nullable String description,
    List<NewLine> lines) {
  public NewDevice {
    lines = lines == null ? List.of() : List.copyOf(lines);
  }
}
