/**
 * The certificates evertone serves: PEM chains and keys loaded and checked, live rotation without a
 * restart, selection by SNI, and device trust profiles that tell before a chain is served whether a
 * device family would accept it.
 */
@NullMarked
package dev.evertone.tls;

import org.jspecify.annotations.NullMarked;
