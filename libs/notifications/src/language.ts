/** The languages cdtg writes to people in. Vietnamese first. */
export enum Language {
  Vi = 'vi',
  En = 'en',
}
