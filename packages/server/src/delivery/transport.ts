/** One message on its way out. */
export interface OutgoingMessage {
  readonly channel: 'email' | 'sms';
  readonly recipient: string;
  readonly subject: string | null;
  readonly body: string;
}

/**
 * Sends messages of one channel to the outside world (an SMTP server, an SMS
 * gateway). Throws when the message was not accepted; the dispatcher retries.
 */
export interface Transport {
  send(message: OutgoingMessage): Promise<void>;
  close?(): Promise<void>;
}
