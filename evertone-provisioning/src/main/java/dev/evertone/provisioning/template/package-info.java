/**
 * The device template: the CSV and JSON files that imports read and exports write, their columns,
 * and the errors a file can have (with line, row and column).
 */
@NullMarked
package dev.evertone.provisioning.template;

import org.jspecify.annotations.NullMarked;
