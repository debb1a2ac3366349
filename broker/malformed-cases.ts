/**
 * The malformed packets of MQTT 3.1.1 that must close the connection, one per rule, as raw bytes. The
 * scanner's unit test and the broker's integration test both run this table, so the conformance list in
 * docs/broker-conformance.md, the unit test and the real-socket test cannot drift apart. Test support only.
 */
import type { ProtocolRule } from './packet-rules.js';
import { LONE_SURROGATE, ack, connect, disconnect, packet, pingreq, publish, subscribe, unsubscribe } from './raw-packets.js';

export interface MalformedCase {
  name: string;
  /** Spec reference, as cited in docs/broker-conformance.md. */
  spec: string;
  rule: ProtocolRule;
  /** Sent as the first packet (a CONNECT case) or after an accepted CONNECT. */
  firstPacket: boolean;
  bytes: (deviceId: string) => Buffer;
  /** The CONNACK return code the broker answers before closing. */
  connack?: 1 | 2;
}

const telemetry = (id: string): string => `devices/${id}/telemetry`;
const READING = '{"metrics":{"ch4_lel":1}}';
const badTopic = (id: string): Buffer => Buffer.concat([Buffer.from(`devices/${id}/`), LONE_SURROGATE, Buffer.from('/telemetry')]);
const creds = (id: string) => ({ clientId: id, username: id, password: `${id}-secret` });

export const MALFORMED_CASES: MalformedCase[] = [
  { name: 'QoS 1 PUBLISH with packet id 0', spec: '§2.3.1 [MQTT-2.3.1-1]', rule: 'packet_id_zero', firstPacket: false, bytes: (id) => publish(telemetry(id), READING, { qos: 1, id: 0 }) },
  { name: 'QoS 2 PUBLISH with packet id 0', spec: '§2.3.1 [MQTT-2.3.1-1]', rule: 'packet_id_zero', firstPacket: false, bytes: (id) => publish(telemetry(id), READING, { qos: 2, id: 0 }) },
  { name: 'topic name with U+0000', spec: '§1.5.3 [MQTT-1.5.3-2]', rule: 'utf8_null', firstPacket: false, bytes: (id) => publish(`devices/${id}/tele\u0000metry`, READING, { qos: 1, id: 7 }) },
  { name: 'topic name with an unpaired surrogate (U+D800 as UTF-8)', spec: '§1.5.3 [MQTT-1.5.3-1]', rule: 'bad_utf8', firstPacket: false, bytes: (id) => publish(badTopic(id), READING, { qos: 1, id: 7 }) },
  { name: 'topic name with an overlong encoding', spec: '§1.5.3 [MQTT-1.5.3-1]', rule: 'bad_utf8', firstPacket: false, bytes: (id) => publish(Buffer.concat([Buffer.from(`devices/${id}/`), Buffer.from([0xc0, 0xaf])]), READING, { qos: 1, id: 7 }) },
  { name: 'topic name with a wildcard', spec: '§3.3.2.1 [MQTT-3.3.2-2]', rule: 'wildcard_in_topic_name', firstPacket: false, bytes: (id) => publish(`devices/${id}/+`, READING, { qos: 1, id: 7 }) },
  { name: 'empty topic name', spec: '§4.7.3 [MQTT-4.7.3-1]', rule: 'empty_topic', firstPacket: false, bytes: () => publish('', READING, { qos: 1, id: 7 }) },
  { name: 'PUBLISH QoS 3', spec: '§3.3.1.2 [MQTT-3.3.1-4]', rule: 'publish_qos3', firstPacket: false, bytes: (id) => publish(telemetry(id), READING, { qos: 3, id: 7 }) },
  { name: 'QoS 0 PUBLISH with DUP=1', spec: '§3.3.1.1 [MQTT-3.3.1-2]', rule: 'publish_dup_qos0', firstPacket: false, bytes: (id) => publish(telemetry(id), READING, { qos: 0, dup: true }) },
  { name: 'PUBLISH whose topic length runs past the packet', spec: '§4.8', rule: 'field_overflow', firstPacket: false, bytes: () => packet(0x32, [0x00, 0x40, 0x61, 0x00, 0x01]) },
  { name: 'SUBSCRIBE filter with U+0000', spec: '§1.5.3 [MQTT-1.5.3-2]', rule: 'utf8_null', firstPacket: false, bytes: (id) => subscribe(3, [[`devices/${id}/commands/\u0000`, 1]]) },
  { name: 'SUBSCRIBE filter with an unpaired surrogate', spec: '§1.5.3 [MQTT-1.5.3-1]', rule: 'bad_utf8', firstPacket: false, bytes: (id) => subscribe(3, [[Buffer.concat([Buffer.from(`devices/${id}/commands/`), LONE_SURROGATE]), 1]]) },
  { name: 'SUBSCRIBE with no filter', spec: '§3.8.3 [MQTT-3.8.3-3]', rule: 'no_topic_filter', firstPacket: false, bytes: () => subscribe(3, []) },
  { name: 'SUBSCRIBE with packet id 0', spec: '§2.3.1 [MQTT-2.3.1-1]', rule: 'packet_id_zero', firstPacket: false, bytes: (id) => subscribe(0, [[`devices/${id}/commands/#`, 1]]) },
  { name: 'SUBSCRIBE with reserved flags 0000', spec: '§3.8.1 [MQTT-3.8.1-1]', rule: 'reserved_flags', firstPacket: false, bytes: (id) => subscribe(3, [[`devices/${id}/commands/#`, 1]], 0) },
  { name: 'SUBSCRIBE requesting QoS 3', spec: '§3.8.3.1 [MQTT-3-8.3-4]', rule: 'subscribe_qos', firstPacket: false, bytes: (id) => subscribe(3, [[`devices/${id}/commands/#`, 3]]) },
  { name: 'SUBSCRIBE filter with # not last', spec: '§4.7.1.2 [MQTT-4.7.1-2]', rule: 'bad_wildcard', firstPacket: false, bytes: (id) => subscribe(3, [[`devices/${id}/#/x`, 1]]) },
  { name: 'SUBSCRIBE filter with + not alone in its level', spec: '§4.7.1.3 [MQTT-4.7.1-3]', rule: 'bad_wildcard', firstPacket: false, bytes: (id) => subscribe(3, [[`devices/${id}/commands/a+`, 1]]) },
  { name: 'SUBSCRIBE QoS byte with reserved bits set', spec: '§3.8.3.1 [MQTT-3-8.3-4]', rule: 'subscribe_qos', firstPacket: false, bytes: (id) => subscribe(3, [[`devices/${id}/commands/#`, 0x41]]) },
  { name: 'UNSUBSCRIBE with no filter', spec: '§3.10.3 [MQTT-3.10.3-2]', rule: 'no_topic_filter', firstPacket: false, bytes: () => unsubscribe(4, []) },
  { name: 'UNSUBSCRIBE with reserved flags 0000', spec: '§3.10.1 [MQTT-3.10.1-1]', rule: 'reserved_flags', firstPacket: false, bytes: (id) => unsubscribe(4, [`devices/${id}/commands/#`], 0) },
  { name: 'UNSUBSCRIBE filter with an unpaired surrogate', spec: '§1.5.3 [MQTT-1.5.3-1]', rule: 'bad_utf8', firstPacket: false, bytes: () => unsubscribe(4, [Buffer.concat([Buffer.from('a/'), LONE_SURROGATE])]) },
  { name: 'PUBACK with remaining length 3', spec: '§3.4.1, §4.8', rule: 'ack_length', firstPacket: false, bytes: () => ack(4, 9, [0]) },
  { name: 'PUBREC with remaining length 1', spec: '§3.5.1, §4.8', rule: 'ack_length', firstPacket: false, bytes: () => packet(0x50, [9]) },
  { name: 'PUBREL with remaining length 3', spec: '§3.6.1, §4.8', rule: 'ack_length', firstPacket: false, bytes: () => ack(6, 9, [0]) },
  { name: 'PUBREL with reserved flags 0000', spec: '§3.6.1 [MQTT-3.6.1-1]', rule: 'reserved_flags', firstPacket: false, bytes: () => ack(6, 9, [], 0) },
  { name: 'PUBCOMP with remaining length 4', spec: '§3.7.1, §4.8', rule: 'ack_length', firstPacket: false, bytes: () => ack(7, 9, [0, 0]) },
  { name: 'PUBACK with reserved flags set', spec: '§2.2.2 [MQTT-2.2.2-2]', rule: 'reserved_flags', firstPacket: false, bytes: () => ack(4, 9, [], 0b0001) },
  { name: 'PINGREQ with a body', spec: '§3.12, §2.2.2', rule: 'unexpected_body', firstPacket: false, bytes: () => pingreq([1, 2]) },
  { name: 'DISCONNECT with a body', spec: '§3.14, §2.2.2', rule: 'unexpected_body', firstPacket: false, bytes: () => disconnect([0]) },
  { name: 'CONNACK sent by a client', spec: '§2.2.1, §4.8', rule: 'client_only_type', firstPacket: false, bytes: () => packet(0x20, [0, 0]) },
  { name: 'reserved packet type 15', spec: '§2.2.1', rule: 'reserved_type', firstPacket: false, bytes: () => packet(0xf0) },
  { name: 'second CONNECT', spec: '§3.1 [MQTT-3.1.0-2]', rule: 'second_connect', firstPacket: false, bytes: (id) => connect(creds(id)) },
  { name: 'first packet not a CONNECT', spec: '§3.1 [MQTT-3.1.0-1]', rule: 'first_packet_not_connect', firstPacket: true, bytes: (id) => publish(telemetry(id), READING, { qos: 1, id: 7 }) },
  { name: 'CONNECT with protocol level 5', spec: '§3.1.2.2 [MQTT-3.1.2-2]', rule: 'protocol_level', connack: 1, firstPacket: true, bytes: (id) => connect({ ...creds(id), level: 5 }) },
  { name: 'CONNECT with protocol level 2', spec: '§3.1.2.2 [MQTT-3.1.2-2]', rule: 'protocol_level', connack: 1, firstPacket: true, bytes: (id) => connect({ ...creds(id), level: 2 }) },
  { name: 'CONNECT with an unknown protocol name', spec: '§3.1.2.1 [MQTT-3.1.2-1]', rule: 'protocol_name', firstPacket: true, bytes: (id) => connect({ ...creds(id), protocolName: 'MQTX' }) },
  { name: 'CONNECT with the reserved flag set', spec: '§3.1.2.3 [MQTT-3.1.2-3]', rule: 'connect_reserved_flag', firstPacket: true, bytes: (id) => connect({ ...creds(id), flags: 0xc3 }) },
  { name: 'Will QoS 3', spec: '§3.1.2.6 [MQTT-3.1.2-14]', rule: 'will_qos3', firstPacket: true, bytes: (id) => connect({ ...creds(id), will: { topic: `devices/${id}/status`, payload: '{"online":false}', qos: 3 } }) },
  { name: 'Will QoS without the Will flag', spec: '§3.1.2.6 [MQTT-3.1.2-13]', rule: 'will_flags', firstPacket: true, bytes: (id) => connect({ ...creds(id), flags: 0xc2 | 0x08 }) },
  { name: 'Will Retain without the Will flag', spec: '§3.1.2.7 [MQTT-3.1.2-15]', rule: 'will_flags', firstPacket: true, bytes: (id) => connect({ ...creds(id), flags: 0xc2 | 0x20 }) },
  { name: 'Will topic with an unpaired surrogate', spec: '§3.1.3.2 [MQTT-3.1.3-10], §1.5.3', rule: 'bad_utf8', firstPacket: true, bytes: (id) => connect({ ...creds(id), will: { topic: Buffer.concat([Buffer.from(`devices/${id}/`), LONE_SURROGATE]), payload: '{"online":false}', qos: 1 } }) },
  { name: 'Will topic with U+0000', spec: '§3.1.3.2 [MQTT-3.1.3-10], [MQTT-1.5.3-2]', rule: 'utf8_null', firstPacket: true, bytes: (id) => connect({ ...creds(id), will: { topic: `devices/${id}/status\u0000`, payload: '{"online":false}', qos: 1 } }) },
  { name: 'password without username', spec: '§3.1.2.9 [MQTT-3.1.2-22]', rule: 'password_without_username', firstPacket: true, bytes: (id) => connect({ clientId: id, password: `${id}-secret` }) },
  { name: 'client id with an unpaired surrogate', spec: '§3.1.3.1 [MQTT-3.1.3-4]', rule: 'bad_utf8', firstPacket: true, bytes: (id) => connect({ ...creds(id), clientId: Buffer.concat([Buffer.from(id), LONE_SURROGATE]) }) },
  { name: 'user name with an unpaired surrogate', spec: '§3.1.3.4 [MQTT-3.1.3-11]', rule: 'bad_utf8', firstPacket: true, bytes: (id) => connect({ ...creds(id), username: Buffer.concat([Buffer.from(id), LONE_SURROGATE]) }) },
  { name: 'empty client id with clean session 0', spec: '§3.1.3.1 [MQTT-3.1.3-8]', rule: 'empty_client_id_persistent', connack: 2, firstPacket: true, bytes: (id) => connect({ ...creds(id), clientId: '', clean: false }) },
  { name: 'CONNECT with bytes after the last field', spec: '§4.8', rule: 'field_overflow', firstPacket: true, bytes: (id) => { const c = connect(creds(id)); return Buffer.concat([Buffer.from([0x10, c[1]! + 1]), c.subarray(2), Buffer.from([0])]); } },
  { name: 'Remaining Length of five bytes', spec: '§2.2.3', rule: 'remaining_length', firstPacket: false, bytes: () => Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]) },
];

/** An accepted CONNECT for `id` (secret `${id}-secret`, as the broker's test devices have). */
export const goodConnect = (id: string): Buffer => connect(creds(id));
