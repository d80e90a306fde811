export * from './model.js';
export { validateCustomValues, type CustomValue, type ValidateOptions } from './custom-values.js';
export { CustomerService, customerInputSchema, maskNumber, type CustomerInput, type WriteOptions } from './customers.js';
export * from './contact-model.js';
export { ContactService } from './contacts.js';
export { ConnectedCallRecorder, type ConnectedCall } from './connected-calls.js';
