/**
 * The accept backlog for listeners that take one TCP connection per tunnel. Node's default (511)
 * overflows when thousands connect at once, and each dropped SYN waits for the kernel to resend it
 * (1 s, then 3 s, ...); Go listens with the kernel's `somaxconn`, 4,096 on current Linux.
 */
export const LISTEN_BACKLOG = 4096;
