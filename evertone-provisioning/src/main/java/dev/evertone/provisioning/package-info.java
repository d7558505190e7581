/**
 * Provisioning: domains (tenants), users, devices and their lines' credentials, changed one at a
 * time or in bulk from the device template. Every bulk change is read and validated whole before
 * anything is written, planned against what is stored, checked by the blast-radius guard, and
 * applied in one transaction; every credential change is versioned, so that any import can be
 * undone and any moment restored. The HTTP API and the command line both go through {@link
 * dev.evertone.provisioning.Provisioning}.
 */
@NullMarked
package dev.evertone.provisioning;

import org.jspecify.annotations.NullMarked;
