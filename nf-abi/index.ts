// The NF interface every layer shares: the manifest, the memory layout, the exports and results of an NF, the
// header table and its notation, the frame layout NFs parse, the libVig import ABI and the device register protocol. Everything outside
// nf-abi/ imports it from here.
export { tableImports, type TableImport } from './config-values.ts';
export * as device from './device.ts';
export { bufferAt, descriptorAddress, DEVICE_ABI, DEVICE_MODULE, type DeviceImportName, deviceOwns, devicePart, deviceRegionEnd, finishedForDriver, ownedByDevice, REGISTER_NAMES, type Ring, ringAt, rxBufferAt, rxDescriptorAt } from './device-abi.ts';
export { ipv4ChecksumValid, transportChecksumValid } from './checksum.ts';
export * as frameLayout from './frame-layout.ts';
export { decodeHeaders, type DecodedHeader, ETHER_LENGTH, ETHER_TYPE_IPV4, type FieldNotation, HEADER_FIELDS, type HeaderField, IP_PROTOCOL_TCP, IP_PROTOCOL_UDP, IPV4_MIN_LENGTH, isProtocol, PROTOCOL_ALIASES, type Protocol, protocolNamed, PROTOCOLS, TCP_FLAGS, TCP_LENGTH, TCPUDP_LENGTH } from './headers.ts';
export { showField, showHeaders, type ShownHeader } from './notation.ts';
export { recordOf, showRecord, showRecordField, showStateValue } from './record-notation.ts';
export { type ImportSignature, LIBVIG_ABI, LIBVIG_MODULE, type LibVigImportName, type LibVigImports, type WasmValueType } from './libvig-abi.ts';
export { type ColumnType, type ConfigTable, type ConfigValue, fieldBound, fieldBytes, holdsPrefixes, type KeyInvariant, keyInvariant, type KeyPredicate, loadManifest, type Manifest, ManifestError, nfFolderMistake, type RecordField, type ScalarType, type StateObject } from './manifest.ts';
export { jsonMistake } from './json-mistake.ts';
export { LIBVIG_REGION_BASE, LIBVIG_REGION_END, MAX_FRAME, MEMORY_BASE, PACKET_BASE } from './memory-layout.ts';
export { MAX_CHT_ENTRIES, MAX_SIZE } from './libvig-limits.ts';
export { NF_EXPORTS, type NfExports, outputName, specialOutput } from './nf-exports.ts';
export { DROP, FLOOD } from './outputs.ts';
export { showDuration, TimeOrigin } from './time-notation.ts';
