/**
 * Model lifecycle: checking that deployments serve the weights they are pinned to
 * ({@link io.palisade.lifecycle.PinVerifier}), and recording what they serve now for the lock file
 * ({@link io.palisade.lifecycle.ServedPins}).
 */
package io.palisade.lifecycle;
