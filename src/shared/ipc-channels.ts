// IPC channel names, in one place for main and preload.
export const operationChannel = (name: string): string => `mail-setup:op:${name}`
export const eventChannel = (name: string): string => `mail-setup:event:${name}`
