package dev.evertone.provisioning;

import dev.evertone.store.Values;
import dev.evertone.store.provisioning.Device;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A device as an import plans it: existing or new, possibly with new attributes. */
final class PlannedDevice {
  final String domain;
  final @Nullable Device existing;
  final long ref;
  final @Nullable String mac;
  @Nullable String model;
  @Nullable String description;
  @Nullable PlannedUser owner;
  boolean ownerChanged;

  PlannedDevice(String domain, @Nullable Device existing, long ref, @Nullable String mac) {
    this.domain = domain;
    this.existing = existing;
    this.ref = ref;
    this.mac = mac;
    if (existing != null) {
      this.model = existing.model();
      this.description = existing.description();
    }
  }

  boolean changed() {
    return existing != null
        && (!Objects.equals(model, existing.model())
            || !Objects.equals(description, existing.description())
            || ownerChanged);
  }

  String name() {
    if (mac != null) {
      return Values.formatMac(mac);
    }
    return existing != null ? "#" + existing.id() : "a new softphone";
  }
}
