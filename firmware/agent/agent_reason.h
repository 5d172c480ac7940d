/* Why the device agent refused something. Every rejection carries one of these codes to the
 * server (in the device's report), so an operator sees the reason, not just "failed".
 * The numbers are part of the wire format: append, never renumber. */
#ifndef TINYOPS_AGENT_REASON_H
#define TINYOPS_AGENT_REASON_H

typedef enum {
  TINYOPS_AGENT_OK = 0,
  /* the manifest envelope */
  TINYOPS_REJECT_MALFORMED = 1,       /* not the CBOR shape docs/fleet.md describes */
  TINYOPS_REJECT_UNKNOWN_KEY = 2,     /* key id is not the device's trusted key */
  TINYOPS_REJECT_SIGNATURE = 3,       /* Ed25519 signature does not verify */
  TINYOPS_REJECT_VERSION = 4,         /* manifest version this agent does not know */
  TINYOPS_REJECT_WRONG_CLASS = 5,     /* class id (board) is not this device's */
  TINYOPS_REJECT_DOWNGRADE = 6,       /* sequence number not above the installed one */
  TINYOPS_REJECT_TOO_LARGE = 7,       /* image larger than the inactive slot */
  /* the image transfer */
  TINYOPS_REJECT_FRAME = 8,           /* frame length or CRC wrong */
  TINYOPS_REJECT_OFFSET = 9,          /* chunk not at the next expected offset */
  TINYOPS_REJECT_DIGEST = 10,         /* whole image's SHA-256 or size differs from the manifest */
  TINYOPS_REJECT_FLASH = 11,          /* writing the inactive slot failed */
  /* after the swap */
  TINYOPS_REJECT_SMOKE_TEST = 12,     /* the new image's smoke output was not bit-exact */
  TINYOPS_REJECT_NOT_CONFIRMED = 13,  /* bootloader rolled back: no confirmation in N boots */
  TINYOPS_REJECT_BUSY = 14,           /* an installed update waits for its reboot */
  /* reverting */
  TINYOPS_REJECT_NO_PREVIOUS = 15,    /* revert asked for a release the other slot lacks */
  TINYOPS_REJECT_REVERTED = 16        /* not a refusal: the server reverted this release */
} tinyops_agent_reason;

#endif
