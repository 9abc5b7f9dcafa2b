/** Use cases that implement the inbound ports in terms of outbound ports only. */
package io.statspipe.ports.service;
