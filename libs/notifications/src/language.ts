/** The languages cdtg writes to people in. Vietnamese first. */
export enum Language {
  vi = 'vi',
  en = 'en',
}
