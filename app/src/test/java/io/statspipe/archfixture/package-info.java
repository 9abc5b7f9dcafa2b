/**
 * Deliberately bad classes, one per architecture rule, that prove the rules fail when broken.
 * Never used by real code.
 */
package io.statspipe.archfixture;
