export { staffMember } from '../api-keys/api-keys.helpers';
