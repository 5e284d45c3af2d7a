export * from "./common.js";
export * from "./practice.js";
export * from "./staff.js";
export * from "./clients.js";
export * from "./appointments.js";
export * from "./mail.js";
export * from "./audit.js";
export * from "./encoding.js";
