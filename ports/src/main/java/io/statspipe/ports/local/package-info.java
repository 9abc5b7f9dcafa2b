/** What the engines statspipe starts on one machine share, knowing no engine: free loopback ports, deleting their folders. */
package io.statspipe.ports.local;
