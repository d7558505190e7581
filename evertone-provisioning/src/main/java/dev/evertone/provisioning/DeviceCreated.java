package dev.evertone.provisioning;

import java.util.List;

/** A device just added, with the secrets generated for its lines (if any). */
public record DeviceCreated(DeviceInfo device, List<GeneratedSecret> generatedSecrets) {
  public DeviceCreated {
    generatedSecrets = List.copyOf(generatedSecrets);
  }
}
