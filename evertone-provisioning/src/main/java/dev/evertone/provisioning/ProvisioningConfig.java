package dev.evertone.provisioning;

import dev.evertone.provisioning.template.TemplateLimits;

/** Provisioning settings: the blast-radius guard and the size of template files. */
public record ProvisioningConfig(GuardLimits guard, TemplateLimits template) {
  public static final ProvisioningConfig DEFAULT =
      new ProvisioningConfig(GuardLimits.DEFAULT, TemplateLimits.DEFAULT);
}
